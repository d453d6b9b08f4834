# The STAIRS web, worker and beat image (see docker-compose.yml).
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml build-constraints.txt README.md ./
RUN pip install --upgrade "pip>=25.3" \
 && pip install --build-constraint build-constraints.txt .
COPY . .
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://unused:6379/0 python manage.py collectstatic --no-input \
 && useradd --system --home /app stairs && chown -R stairs /app
USER stairs
EXPOSE 8000
CMD ["gunicorn", "-c", "stairs_site/gunicorn.conf.py", "stairs_site.wsgi:application"]
