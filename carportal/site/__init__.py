"""The site-wide pages, above the content apps: home, search, topics, sitemap and health."""
