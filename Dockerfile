# Production image: gunicorn serving Django, static files through WhiteNoise.
# The same image runs the Celery worker and beat (see docker-compose.yml).

FROM node:20-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/scss static/scss
RUN npm run --silent build:css

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ALIGNS_VAR_DIR=/app/var
WORKDIR /app
# Pango and a font for WeasyPrint (PDF reports).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 aligns
COPY pyproject.toml constraints.txt README.md ./
COPY aligns aligns
COPY referrals referrals
COPY clients clients
COPY volunteers volunteers
COPY visits visits
COPY reports reports
RUN pip install --no-cache-dir -c constraints.txt .
COPY manage.py ./
COPY templates templates
COPY static static
COPY --from=frontend /app/node_modules/nhsuk-frontend/dist node_modules/nhsuk-frontend/dist
COPY --from=frontend /app/node_modules/htmx.org/dist node_modules/htmx.org/dist
COPY --from=frontend /app/node_modules/chart.js/dist node_modules/chart.js/dist
COPY --from=frontend /app/var/static-build var/static-build
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only \
    python manage.py collectstatic --noinput --verbosity 0 \
 && chown -R aligns:aligns var
USER aligns
EXPOSE 8000
# The access log leaves out query strings and referrers: a search carries names and NHS numbers.
CMD ["gunicorn", "aligns.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(M)sms"]
