export function KitchenBoard() {
  return <h1>Kitchen</h1>;
}
