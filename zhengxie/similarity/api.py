"""Similar proposals API: ``POST /api/v1/proposals/similar`` (提案查重), for the draft editor as the member types
and for the office's review."""

from typing import Annotated

from ninja import Field, Router, Schema

from zhengxie.core.api_errors import refusals
from zhengxie.core.api_types import Id

from . import sketch
from .services import MAX_LIMIT, similar_proposals

router = Router(tags=["proposals"])
MAX_TITLE = 200
MAX_TEXT = 100_000  # imported proposals hold up to 50,000 characters in each of 情况分析 and 具体建议


class SimilarQuery(Schema):
    title: Annotated[str, Field(max_length=MAX_TITLE, description="案由 as written so far.")] = ""
    text: Annotated[
        str, Field(max_length=MAX_TEXT, description="The body as written so far (情况分析 and 具体建议 together).")
    ] = ""
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="At most this many proposals (1–50).")] = 10
    proposal_id: Id | None = Field(
        None, description="The proposal being written or reviewed, if it exists: never listed as similar to itself."
    )


class SimilarItem(Schema):
    id: int
    number: str = Field(description="案号; empty until the proposal is registered.")
    title: str
    year: int
    score: float = Field(
        description="Jaccard similarity of the two texts' sets of three-character runs (punctuation, spaces and "
        "traditional/simplified forms ignored): 1 for the same text, 0 for nothing in common."
    )


@router.post(
    "/proposals/similar",
    response={200: list[SimilarItem], **refusals(401)},
    operation_id="proposals_similar",
    summary="Similar proposals (提案查重)",
    description=(
        "The proposals most similar to this title and text, best first, among those the caller sees in the "
        f"proposals' list (this year and past years; never a draft). Only proposals scoring at least "
        f"{sketch.MIN_SCORE} are listed, so an unrelated text gets an empty list; so does a text of punctuation "
        "only. Candidates come from a MinHash LSH index over the texts; the score is computed exactly."
    ),
)
def proposals_similar(request, body: SimilarQuery):
    matches = similar_proposals(
        user=request.user, title=body.title, text=body.text, limit=body.limit, exclude=body.proposal_id
    )
    return [
        {"id": m.id, "number": m.number, "title": m.title, "year": m.year, "score": round(m.score, 4)} for m in matches
    ]
