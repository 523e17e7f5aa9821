import argparse

from . import write_set

ap = argparse.ArgumentParser(
    prog="python -m paper_gen2", description="Synthetic photos/PDFs of Vietnamese paper documents"
)
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=20261207)
ap.add_argument("--good", type=int, default=80)
ap.add_argument("--bad", type=int, default=30)
ap.add_argument("--pdfs", type=int, default=6)
ap.add_argument(
    "--only", default=None, help="comma-separated file names to (re)write; the rest are only labelled"
)
ap.add_argument("--back", type=int, default=0, help="photos of the back of a printed sheet (back_NNN.jpg)")
ap.add_argument("--curled", type=int, default=0, help="good photos of a curled page (curl_NNN.jpg)")
a = ap.parse_args()
write_set(
    a.out,
    a.seed,
    a.good,
    a.bad,
    a.pdfs,
    only=set(a.only.split(",")) if a.only else None,
    back=a.back,
    curled=a.curled,
)
