from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages carry personal data: no browser or proxy may keep a copy.

    Static files never reach this middleware (WhiteNoise answers them first),
    so they stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
