// A Worker that does nothing: its start-up time is the baseline of tools/edge/workerd.ts.
export default {
  fetch() {
    return new Response(JSON.stringify({ value: 0 }), { headers: { "content-type": "application/json" } });
  },
};
