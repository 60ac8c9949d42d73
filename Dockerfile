FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=carportal.settings.production

# Pango and fonts for weasyprint's PDFs (README, "PDF documents").
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN useradd --system --home /app portal
COPY pyproject.toml ./
RUN pip install --no-cache-dir "pip>=25.1" && pip install --no-cache-dir --group run
COPY . .
# collectstatic needs a key to import the settings; it is not used for anything else.
RUN SECRET_KEY=collectstatic-only-$(date +%s)-padding-padding-padding-padding \
    python manage.py collectstatic --no-input
# Uploads live in the compose file's media volume, which a fresh named volume copies with
# this directory's owner: created here, it is writable by portal rather than root-only.
RUN install -d -o portal -g portal /app/media
USER portal
EXPOSE 8000
# Bind address, workers and threads: gunicorn.conf.py.
CMD ["gunicorn", "carportal.wsgi"]
