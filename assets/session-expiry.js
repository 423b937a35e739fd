/* When the session has ended (signed out elsewhere, password changed, or eight hours passed), the server refuses
   the page's next request with 401. Rather than leave a page that silently stops updating, go to the sign-in page,
   which brings the reader back here afterwards. */
(function () {
    if (!window.fetch) { return; }
    var originalFetch = window.fetch;
    window.fetch = function () {
        return originalFetch.apply(this, arguments).then(function (response) {
            if (response.status === 401 && response.url.indexOf('/_dash-') !== -1) {
                var here = window.location.pathname + window.location.search;
                window.location.assign('/sign-in?next=' + encodeURIComponent(here));
            }
            return response;
        });
    };
})();
