export function GuestPage() {
  return <h1>Guest</h1>;
}
