from django.views.generic import TemplateView


class NetworkView(TemplateView):
    template_name = "network/index.html"
