"""The sitemap read as a crawler reads it: the index, then every page of every section."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def sitemap_paths(get):
    """The path of every page the sitemap lists; `get(path)` answers a path's XML as text.

    Plain Python, so the browser tests and bench/load.py use it with their own clients.
    """
    paths = set()
    for section in ET.fromstring(get("/sitemap.xml")).iter(LOC):
        url = urlsplit(section.text)
        xml = get(f"{url.path}?{url.query}" if url.query else url.path)
        paths |= {urlsplit(loc.text).path for loc in ET.fromstring(xml).iter(LOC)}
    return sorted(paths)
