"""Back-office views that sit beside the Django admin."""

from django.apps import apps
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404

from carportal.models import Attachment
from carportal.views import attachment_response


@staff_member_required
def staff_file(request, name):
    """An uploaded file, for staff allowed to view the record it belongs to, drafts included.

    The admin's "Currently:" links point here (MEDIA_URL), because nothing serves MEDIA_ROOT:
    the public downloads files through their published page only (docs/adr/0002).
    """
    for model in apps.get_models():
        if not issubclass(model, Attachment):
            continue
        opts = model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        attachment = model.objects.filter(file=name).first()
        if attachment:
            return attachment_response(attachment)
    raise Http404("No file of that name that you may see.")
