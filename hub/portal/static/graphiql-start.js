// GraphiQL from the hub's own copies of graphiql, React and ReactDOM (no CDN): it sends its
// queries to /graphql by POST like any client.
(function start() {
  const page = JSON.parse(document.getElementById("page-data").textContent);
  const fetcher = window.GraphiQL.createFetcher({ url: page.endpoint });
  const host = document.getElementById("graphiql");
  window.ReactDOM.createRoot(host).render(
    window.React.createElement(window.GraphiQL, {
      fetcher,
      defaultQuery: page.defaultQuery,
      defaultEditorToolsVisibility: false,
    }),
  );
  document.body.dataset.ready = "true";
})();
