export function WaiterConsole() {
  return <h1>Waiter</h1>;
}
