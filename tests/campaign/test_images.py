"""Photos are safe to publish: checked by content, stripped of metadata, upright, resized."""

import dataclasses
import io
import resource
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

from campaign.models import Photo
from lib.images import DISPLAY_SIZE, MAX_UPLOAD_BYTES, THUMBNAIL_SIZE, make_safe

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def two_colour_image(size=(200, 100)):
    """Left half red, right half blue: shows where a rotation put things."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg_with_everything():
    """A JPEG with EXIF (GPS, camera, orientation 6), XMP, IPTC and a comment."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "SecretCam Maker"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    buffer = io.BytesIO()
    two_colour_image().save(
        buffer,
        "JPEG",
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">XMP-SECRET-LOCATION</x:xmpmeta>',
        comment=b"COMMENT-SECRET",
    )
    data = buffer.getvalue()
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x78\x00\x0bIPTC-SECRET"
    app13 = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    return data[:2] + app13 + data[2:]


def png_claiming(width, height):
    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_the_fixture_really_carries_metadata():
    data = jpeg_with_everything()
    original = Image.open(io.BytesIO(data))
    assert original.getexif()[ORIENTATION] == 6
    assert original.getexif().get_ifd(GPS_IFD)
    for secret in (b"XMP-SECRET-LOCATION", b"COMMENT-SECRET", b"IPTC-SECRET", b"SecretCam"):
        assert secret in data


def test_metadata_is_gone_and_the_photo_is_upright():
    safe = make_safe(upload(jpeg_with_everything()))
    display_bytes, thumbnail_bytes = safe.display.read(), safe.thumbnail.read()
    for content in (display_bytes, thumbnail_bytes):
        for secret in (
            b"XMP-SECRET-LOCATION", b"COMMENT-SECRET", b"IPTC-SECRET", b"SecretCam",
            b"Exif", b"Photoshop", b"adobe", b"ICC_PROFILE",
        ):  # fmt: skip
            assert secret not in content
        image = Image.open(io.BytesIO(content))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert "comment" not in image.info and "xmp" not in image.info
    display = Image.open(io.BytesIO(display_bytes))
    # 200×100 with orientation 6 displays as 100×200, the red half on top.
    assert display.size == (100, 200) == (safe.width, safe.height)
    top, bottom = display.getpixel((50, 20)), display.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(jpeg_with_everything())))
    assert expected.size == display.size


def test_names_are_random_and_sizes_are_bounded():
    buffer = io.BytesIO()
    two_colour_image((4000, 3000)).save(buffer, "PNG")
    first = make_safe(upload(buffer.getvalue(), "IMG_0001.png", "image/png"))
    second = make_safe(upload(buffer.getvalue(), "IMG_0001.png", "image/png"))
    assert first.display.name != second.display.name
    assert "IMG_0001" not in first.display.name
    assert first.display.name.endswith(".jpg")
    assert Image.open(io.BytesIO(first.display.read())).size == (DISPLAY_SIZE[0], 1200)
    assert max(Image.open(io.BytesIO(first.thumbnail.read())).size) == THUMBNAIL_SIZE[0]


def test_transparent_png_and_webp_are_accepted():
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 40), (0, 0, 0, 0)).save(buffer, "PNG")
    png = make_safe(upload(buffer.getvalue(), "logo.png", "image/png"))
    assert Image.open(io.BytesIO(png.display.read())).getpixel((5, 5)) == (255, 255, 255)
    buffer = io.BytesIO()
    two_colour_image().save(buffer, "WEBP")
    assert make_safe(upload(buffer.getvalue(), "a.webp", "image/webp")).width == 200


def jpeg_bytes():
    buffer = io.BytesIO()
    two_colour_image((640, 480)).save(buffer, "JPEG")
    return buffer.getvalue()


REFUSED = [
    ("notes.txt", b"Just some text, not an image at all.", "JPEG, PNG or WebP"),
    ("page.jpg", b"<!doctype html><html><script>alert(1)</script></html>", "JPEG, PNG or WebP"),
    (
        "map.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "JPEG, PNG or WebP",
    ),
    ("animation.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "JPEG, PNG or WebP"),
    ("empty.jpg", b"", "JPEG, PNG or WebP"),
    ("cut.jpg", jpeg_bytes()[:1500], "damaged or incomplete"),
    ("bomb.png", png_claiming(30000, 30000), "too many pixels"),
    ("wide.png", png_claiming(20000, 10), "20000×10 pixels"),
    ("garbage.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a photo we can read"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as refused:
        make_safe(upload(content, name))
    assert message in " ".join(refused.value.messages)


def test_a_pixel_bomb_is_refused_without_decoding_it():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(3):
        with pytest.raises(ValidationError):
            make_safe(upload(png_claiming(30000, 30000), "bomb.png"))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    # Decoding it would take 2.7 GB; refusing it from the header takes next to nothing.
    assert grown_kb < 50 * 1024


def test_too_big_files_are_refused_before_reading():
    big = upload(b"\xff\xd8\xff" + b"\x00" * 16)
    big.size = MAX_UPLOAD_BYTES + 1
    with pytest.raises(ValidationError) as refused:
        make_safe(big)
    assert "at most" in refused.value.messages[0]


@pytest.mark.django_db
def test_a_stored_photo_is_clean_on_disk_and_served_sandboxed(client, media_root):
    photo = Photo.from_upload(upload(jpeg_with_everything(), "protest-at-embassy.jpg"))
    files = sorted(path.name for path in media_root.rglob("*") if path.is_file())
    assert len(files) == 2 and not any("protest" in name for name in files)
    for path in media_root.rglob("*.jpg"):
        assert b"Exif" not in path.read_bytes()
    response = client.get(photo.image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"XMP-SECRET" not in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_media_outside_the_folder_or_of_other_types_is_not_served(client, media_root):
    (media_root / "page.html").write_text("<script>alert(1)</script>")
    assert client.get("/media/page.html").status_code == 404
    assert client.get("/media/../config/settings.py").status_code == 404
    assert client.get("/media/photos/missing.jpg").status_code == 404


@pytest.mark.django_db
def test_erasing_a_photo_removes_its_files(media_root, django_capture_on_commit_callbacks):
    photo = Photo.from_upload(upload(jpeg_bytes()))
    assert len(list(media_root.rglob("*.jpg"))) == 2
    with django_capture_on_commit_callbacks(execute=True):
        photo.erase()
    assert list(media_root.rglob("*.jpg")) == []
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_a_photo_that_fails_half_way_leaves_no_file(media_root):
    class DiskFull(ContentFile):
        def chunks(self, chunk_size=None):
            raise OSError("No space left on device")

    safe = make_safe(upload(jpeg_bytes()))
    safe = dataclasses.replace(safe, thumbnail=DiskFull(b"", name=safe.thumbnail.name))
    with pytest.raises(OSError):
        Photo.from_safe_image(safe)
    assert [path for path in media_root.rglob("*") if path.is_file()] == []
    assert not Photo.objects.exists()
