"""gunicorn's access log without secrets: paths with tokens masked, no query strings, no cookies (core.logmask)."""

from gunicorn.glogging import Logger

from core.logmask import SECRET_HEADERS, mask_path


class MaskingLogger(Logger):
    """Every atom of the access log format goes through mask_path: the request line (r), the path (U), the referer
    (f), headers ({…}i, {…}o: a redirect's Location may hold a tracking link) and environ values ({…}e); the query
    string atom (q) is always empty and secret headers read « - »."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            if key.startswith("{") and key[-2:] in {"}i", "}o"} and key[1:-2] in SECRET_HEADERS:
                atoms[key] = "-"
            elif key in {"{http_cookie}e", "{http_authorization}e"}:
                atoms[key] = "-"
            else:
                atoms[key] = mask_path(value)
        atoms["q"] = ""
        atoms["{query_string}e"] = ""
        return atoms
