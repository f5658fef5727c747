"""The MARC import and export pages: upload, preview, the import job, the export."""

import io
import time

from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from libsys.catalog.marc.importer import import_marc
from libsys.catalog.marc.models import ImportJob
from libsys.catalog.models import Record
from libsys.extensions import db
from tests.catalog.helpers import marc_file
from tests.factories import make_staff, sign_in


def _upload(client, relative):
    path = marc_file(relative)
    # The test client spools a large body to a temporary file: close it after the request.
    builder = EnvironBuilder(
        path="/staff/catalog/import",
        method="POST",
        data={"file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def test_upload_preview_then_import(staff_client):
    response = _upload(staff_client, "pymarc/bad_records.mrc")
    assert response.status_code == 302
    job = db.session.scalars(select(ImportJob)).one()
    preview = staff_client.get(response.headers["Location"])
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert job.total == 8
    assert db.session.scalar(select(func.count(Record.id))) == 0  # nothing yet
    assert ">3<" in text.replace(" ", "").replace("\n", "")  # three rejected
    response = staff_client.post(
        f"/staff/catalog/import/{job.id}/start", data={"library": "TVLC", "match": "skip"}
    )
    assert response.status_code == 302
    status = staff_client.get(f"/staff/catalog/import/{job.id}/status").get_json()
    assert status["state"] == "done"
    # The five readable records are one record, five times over, with no identifier: the
    # first is created, the four others are that same record.
    assert (status["read"], status["created"], status["matched"], status["rejected"]) == (
        8,
        1,
        4,
        3,
    )
    record = db.session.scalars(select(Record)).one()
    summary_page = staff_client.get(f"/staff/catalog/import/{job.id}/progress")
    assert summary_page.status_code == 200
    page = summary_page.get_data(as_text=True)
    # The records created are listed and linked; each match names what it matched.
    assert f'href="/staff/catalog/records/{record.id}"' in page
    assert "The pragmatic programmer" in page
    assert page.count(f"#{record.id}") >= 4
    csv_text = staff_client.get(f"/staff/catalog/import/{job.id}/rejections.csv").get_data(
        as_text=True
    )
    assert csv_text.startswith("position,offset,control_number,reason")
    assert len(csv_text.strip().splitlines()) == 4


def test_upload_of_a_file_that_is_not_marc_is_refused(staff_client):
    response = _upload(staff_client, "folio/invalidMarcFile.mrc")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0


def test_import_runs_as_a_job_with_real_commits(app, committed_db):
    from libsys.demo.network import load_network, load_reader_categories

    load_reader_categories()
    load_network()
    make_staff("cataloguer", "TVLC", username="bienmuc")
    committed_db.session.commit()
    client = app.test_client()
    sign_in(client, "bienmuc")
    response = _upload(client, "evergreen/jazz_1k.mrc")
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    response = client.post(
        f"/staff/catalog/import/{job_id}/start", data={"library": "TVLC", "match": "skip"}
    )
    assert response.status_code == 302
    deadline = time.monotonic() + 120
    status = {}
    while time.monotonic() < deadline:
        status = client.get(f"/staff/catalog/import/{job_id}/status").get_json()
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert status["state"] == "done", status
    assert status["read"] == status["total"] == 1000
    assert status["created"] + status["matched"] + status["rejected"] == 1000
    assert status["items_created"] > 0
    committed_db.session.remove()
    assert committed_db.session.scalar(select(func.count(Record.id))) == status["created"]


def _download(client, **query):
    response = client.get("/staff/catalog/export", query_string={"download": "1", **query})
    try:
        assert response.status_code == 200
        return response.data
    finally:
        response.close()


def test_export_all_selected_and_since(staff_client, network):
    import_marc(marc_file("pymarc/test.dat"))
    ids = db.session.scalars(select(Record.id).order_by(Record.id)).all()
    assert _download(staff_client).count(b"\x1d") == len(ids)
    chosen = _download(staff_client, format="marcxml", ids=[str(i) for i in ids[:3]])
    assert chosen.count(b"<record") == 3
    assert _download(staff_client, since="2999-01-01") == b""
    assert staff_client.get("/staff/catalog/export").status_code == 200
