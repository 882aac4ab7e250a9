/** Hello-world Worker: the local ceiling every other target is compared against. */
const BODY = JSON.stringify({ message: "hello" });

export default {
  fetch(): Response {
    return new Response(BODY, { headers: { "content-type": "application/json" } });
  },
} satisfies ExportedHandler;
