"""How often one person or one address may do something that costs someone else: send an
email, or ask whether a patient is known. A fixed window counted in the cache (Redis in
production, see DJANGO_CACHE_URL; this process's memory in a local run)."""

import time

from django.core.cache import cache


def over_limit(action, key, *, limit, seconds):
    """Count one more `action` by `key` (a user id, an address, an IP address) and say whether
    it goes beyond `limit` in the current window of `seconds`."""
    window = int(time.time() // seconds)
    counter = f"ratelimit:{action}:{key}:{window}"
    cache.add(counter, 0, timeout=seconds)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=seconds)
        count = 1
    return count > limit
