"""Partner-port exchange: a partner's token pushes pre-departure scans (see docs/web.md for the protocol)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cargoscreen.api.exchange import Exchange
from cargoscreen.api.pagination import Page, decode_cursor, encode_cursor
from cargoscreen.api.problems import Problem
from cargoscreen.api.security import Principal, allow
from cargoscreen.api.services import services_of
from cargoscreen.store.repositories.exchange import PartnerSubmission, PartnerUpload
from cargoscreen.store.repositories.users import Role

router = APIRouter(prefix="/api/v1/partner", tags=["partner exchange"])
PARTNER = allow(Role.PARTNER_PORT)


class UploadIn(BaseModel):
    filename: str = Field(min_length=1, max_length=200, examples=["ECGYE-0001.dcm"])
    size_bytes: int = Field(ge=1)
    sha256: str = Field(min_length=64, max_length=64, description="hex SHA-256 of the whole file")


class UploadOut(BaseModel):
    upload_id: str
    filename: str
    sha256: str
    size_bytes: int
    received: int = Field(description="bytes staged: the offset of the next chunk")
    status: str

    @classmethod
    def of(cls, upload: PartnerUpload) -> UploadOut:
        return cls.model_validate(upload, from_attributes=True)


class SubmissionIn(BaseModel):
    uploads: list[str] = Field(min_length=1, max_length=8, description="ids of complete uploads")


class SubmissionOut(BaseModel):
    id: int
    partner_port: str
    files: list[dict[str, Any]]
    result: dict[str, Any]
    submitted_by: str
    submitted_at: datetime

    @classmethod
    def of(cls, submission: PartnerSubmission) -> SubmissionOut:
        return cls(
            id=submission.id,
            partner_port=submission.partner_port,
            files=[dict(f) for f in submission.files],
            result=dict(submission.result),
            submitted_by=submission.submitted_by,
            submitted_at=submission.submitted_at,
        )


@router.post("/uploads", response_model=UploadOut, status_code=201, summary="Start (or find) an upload")
def start_upload(request: Request, body: UploadIn, principal: Principal = PARTNER) -> JSONResponse:
    upload, created = Exchange(services_of(request), principal).start(
        body.filename, body.size_bytes, body.sha256
    )
    return JSONResponse(UploadOut.of(upload).model_dump(mode="json"), status_code=201 if created else 200)


@router.get("/uploads/{upload_id}", response_model=UploadOut, summary="Where an upload stands (to resume)")
def get_upload(request: Request, upload_id: str, principal: Principal = PARTNER) -> UploadOut:
    return UploadOut.of(Exchange(services_of(request), principal).get(upload_id))


@router.put(
    "/uploads/{upload_id}",
    response_model=UploadOut,
    summary="Send the chunk starting at offset (raw bytes; 409 names the expected offset)",
    openapi_extra={"requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}}},
)
async def put_chunk(
    request: Request, upload_id: str, offset: Annotated[int, Query(ge=0)], principal: Principal = PARTNER
) -> UploadOut:
    chunk = await request.body()
    if not chunk:
        raise Problem(422, "empty chunk")
    exchange = Exchange(services_of(request), principal)
    from starlette.concurrency import run_in_threadpool

    upload = await run_in_threadpool(exchange.put_chunk, upload_id, offset, chunk)
    return UploadOut.of(upload)


@router.post("/uploads/{upload_id}/complete", response_model=UploadOut, summary="Verify the SHA-256")
def complete_upload(request: Request, upload_id: str, principal: Principal = PARTNER) -> UploadOut:
    return UploadOut.of(Exchange(services_of(request), principal).complete(upload_id))


@router.post("/submissions", response_model=SubmissionOut, status_code=201, summary="Ingest complete uploads")
def submit(request: Request, body: SubmissionIn, principal: Principal = PARTNER) -> JSONResponse:
    return _submitted(request, principal, Exchange(services_of(request), principal).submit(body.uploads))


@router.get("/submissions", response_model=Page[SubmissionOut], summary="This partner's submissions")
def submissions(
    request: Request,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    principal: Principal = PARTNER,
) -> Page[SubmissionOut]:
    found = Exchange(services_of(request), principal).submissions(decode_cursor(cursor), limit)
    more = encode_cursor(found[-1].id) if len(found) == limit else None
    return Page(items=[SubmissionOut.of(s) for s in found], next_cursor=more)


@router.post(
    "/scans", response_model=SubmissionOut, status_code=201, summary="Upload and ingest in one request"
)
def push_scans(
    request: Request,
    files: Annotated[list[UploadFile], File(description="DICOS, TIFF with its JSON sidecar, or NPZ")],
    sha256: Annotated[list[str], Form(description="hex SHA-256 of each file, in the same order")],
    principal: Principal = PARTNER,
) -> JSONResponse:
    if len(files) != len(sha256) or not files or len(files) > 8:
        raise Problem(
            422, f"{len(files)} files and {len(sha256)} checksums: send 1-8 files, one checksum each"
        )
    exchange = Exchange(services_of(request), principal)
    uploads = [
        exchange.store_whole(f.filename or "", f.file.read(), digest)
        for f, digest in zip(files, sha256, strict=True)
    ]
    return _submitted(request, principal, exchange.submit([u.upload_id for u in uploads]))


def _submitted(
    request: Request, principal: Principal, outcome: tuple[PartnerSubmission, bool]
) -> JSONResponse:
    submission, created = outcome
    services_of(request).audit(
        request,
        principal,
        "submit" if created else "submit_repeat",
        "partner_submission",
        str(submission.id),
        {"files": [dict(f) for f in submission.files], "result": dict(submission.result)},
    )
    body = SubmissionOut.of(submission).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200)
