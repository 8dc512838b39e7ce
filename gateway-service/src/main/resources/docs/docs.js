// Kept out of index.html: the page's Content-Security-Policy allows no inline script.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/docs/openapi.yaml',
    dom_id: '#ui',
    deepLinking: true,
    // the description is the reference; "try it out" would need the caller's token anyway
    supportedSubmitMethods: []
  });
});
