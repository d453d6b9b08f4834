# The STAIRS web, worker and beat image (see docker-compose.yml).
FROM python:3.12-slim-bookworm
# uv from PyPI, the version the Makefile installs; it installs exactly what uv.lock records
# (--frozen), without the dev extra, into /opt/venv outside the application's folder.
ARG UV_VERSION=0.13.9
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    UV_NO_CACHE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN pip install "uv==${UV_VERSION}" \
 && uv sync --frozen --python /usr/local/bin/python3
COPY . .
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://unused:6379/0 python manage.py collectstatic --no-input \
 && useradd --system --home /app stairs && chown -R stairs /app
USER stairs
EXPOSE 8000
CMD ["gunicorn", "-c", "stairs_site/gunicorn.conf.py", "stairs_site.wsgi:application"]
