// Starts YASGUI on the SPARQL editor page (sparql.html); a file of its own, served at
// /assets/sparql.js, so that the page's Content-Security-Policy allows no inline script.
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: "/sparql", method: "POST" },
  copyEndpointOnNewTab: false,
  endpointCatalogueOptions: { getData: () => [{ endpoint: "/sparql" }] },
  persistenceId: null,
});
