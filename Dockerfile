# The MotCua application image (web and worker roles). Rasa runs in its own image (docker-compose.yml).
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY core ./core
COPY services ./services
COPY bot ./bot
COPY handlers ./handlers
COPY flows ./flows
COPY nlu ./nlu
COPY ocr ./ocr
COPY places ./places
COPY config.yml ./
RUN pip install --no-cache-dir .
ENV OMP_THREAD_LIMIT=1
EXPOSE 8080
CMD ["python", "-m", "bot", "serve", "--role", "web", "--host", "0.0.0.0"]
