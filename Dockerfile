# python:3.11-slim, pinned to one build so that every image starts from the same bytes (a pull
# checks them against the digest). The digest is the tag's multi-arch index (linux/amd64,
# linux/arm64) pushed on 2026-08-16, Python 3.11.16 on Debian trixie (docker-library/official-images
# commit fe89472b), as public repositories' base-image pin inventories record it and as their
# docker buildx logs resolved python:3.11-slim then. To move to a newer build of the tag:
# `docker buildx imagetools inspect python:3.11-slim` prints its current digest.
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7
WORKDIR /app
# Dependencies first, so this layer is rebuilt only when the lock changes: each at the version
# pinned, from a file whose hash the lock lists, setuptools (the build backend) included.
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
# The project alone, built with the locked setuptools rather than one fetched for an isolated build.
RUN pip install --no-cache-dir --no-deps --no-build-isolation . && pip check
USER nobody
CMD ["python", "-m", "pipeline", "worker"]
