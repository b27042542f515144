import re

from django.contrib.staticfiles import finders

from capdev.test import PASSWORD


def test_every_asset_the_layout_links_is_served_from_capdev_itself(client, world):
    client.login(username="hq", password=PASSWORD)
    html = client.get("/organisations/").content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {"/static/capdev/capdev.css", "/static/capdev/vendor/htmx.min.js"} <= set(assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html), "the page loads from another host"
