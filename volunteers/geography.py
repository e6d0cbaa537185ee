"""Where a postcode is, and how far apart two places are."""

import math

from volunteers.models import Postcode, PostcodeDistrict

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.0


def normalise(postcode):
    compact = "".join(postcode.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def district_of(postcode):
    return normalise(postcode).split(" ")[0]


def locate(postcode):
    """(latitude, longitude, is_district_centre) or None when even the district is unknown."""
    if not postcode:
        return None
    full = Postcode.objects.filter(postcode=normalise(postcode)).first()
    if full is not None:
        return full.latitude, full.longitude, False
    district = PostcodeDistrict.objects.filter(district=district_of(postcode)).first()
    if district is not None:
        return district.latitude, district.longitude, True
    return None


def miles_between(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def bounding_box(latitude, longitude, miles):
    """A latitude/longitude box containing every point within `miles`: cheap to index."""
    d_lat = miles / MILES_PER_DEGREE_LATITUDE
    d_lon = miles / (MILES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(latitude)), 0.01))
    return (latitude - d_lat, latitude + d_lat), (longitude - d_lon, longitude + d_lon)
