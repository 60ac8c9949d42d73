from celery import shared_task

from carportal import import_jobs, pdf_jobs


# Only the document's kind, its filter query string and the content generation travel
# through the broker, with the site's address and language: nothing personal. The route to
# the `pdf` queue, whose worker starts a fresh process for each document, is in settings.
@shared_task(soft_time_limit=pdf_jobs.SOFT_TIME_LIMIT, time_limit=pdf_jobs.TIME_LIMIT)
def build_pdf(kind, query, generation, base_url, language):
    """Make and store a large PDF (carportal/pdf_jobs.py)."""
    pdf_jobs.PDFJob(kind, query, generation, base_url, language).build()


@shared_task(soft_time_limit=240, time_limit=300)
def prune_pdf_exports():
    """Delete the stored PDFs of past content generations."""
    pdf_jobs.pdf_exports_prune()


# Only the job's token travels through the broker: the file and whose it is stay in the
# cache. On the default queue: imports are rare, staff-only and take seconds.
@shared_task(soft_time_limit=import_jobs.SOFT_TIME_LIMIT, time_limit=import_jobs.TIME_LIMIT)
def import_spreadsheet(job_id):
    """Check or import a large spreadsheet (carportal/import_jobs.py)."""
    job = import_jobs.ImportJob.get(job_id)
    if job is not None:  # None: expired, as its page says
        job.run()
