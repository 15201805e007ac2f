export function WebhookInspector() {
  return <h1>Webhooks</h1>;
}
