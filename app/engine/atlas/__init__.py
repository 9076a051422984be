"""Atlas Cloud as the protocol describes it: the HTTP client and its errors, uploads, the catalog
with its lazily fetched and cached schemas, the shapes of schema inputs, pricing and the API key.
May import app.engine.core only."""
