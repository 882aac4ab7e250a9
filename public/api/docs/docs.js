// Loads this instance's OpenAPI document with the caller's token and renders it with Scalar.
// The token comes from `#token=…` in the address, else from the PocketBase SDK's local store
// (`pocketbase_auth`, where the dashboard and apps using the SDK keep it). With a superuser token the
// reference shows every collection and admin route; "try it" sends the same token.
(() => {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  let token = fromHash || "";
  if (!token) {
    try {
      token = JSON.parse(localStorage.getItem("pocketbase_auth") || "{}").token || "";
    } catch {
      token = "";
    }
  }
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  fetch("../openapi.json", { headers })
    .then((res) => res.json())
    .then((content) => {
      Scalar.createApiReference("#app", {
        content,
        withDefaultFonts: false,
        hideDownloadButton: false,
        authentication: {
          preferredSecurityScheme: "bearerAuth",
          securitySchemes: { bearerAuth: { token } },
        },
      });
    })
    .catch((error) => {
      document.getElementById("app").textContent = `Could not load the API document: ${error}`;
    });
})();
