"""The demo stamp's texts stay inside their rings (issue 14, item 10)."""
import io
import math

from PIL import Image

from naskah.paper import demo


def test_stamp_texts_fit_between_the_rings():
    img = Image.open(io.BytesIO(demo.stamp_png(rings=False))).convert("RGBA")
    size = img.size[0]
    (outer_inset, outer_width), (inner_inset, inner_width) = demo.STAMP_RINGS
    outer_inside = size / 2 - outer_inset - outer_width       # inner edge of the outer ring
    inner_ring = (size / 2 - inner_inset - inner_width, size / 2 - inner_inset)
    alpha = img.getchannel("A").load()
    ink = [(x, y) for y in range(size) for x in range(size) if alpha[x, y] > 40]
    assert len(ink) > 500  # there is text
    for x, y in ink:
        d = math.hypot(x - size / 2, y - size / 2)
        assert d < outer_inside, (x, y, d)
        assert not inner_ring[0] - 1 <= d <= inner_ring[1] + 1, (x, y, d)
