/**
 * The GraphQL schema in SDL: the domain as a graph (order → items → menuItem → ingredients,
 * order → messages), not a list of procedures. Field and argument names follow DESIGN.md §5.
 */
export const typeDefs = /* GraphQL */ `
"""Any JSON value: the data of an event."""
scalar JSON

enum OrderStatus {
  PLACED
  ACCEPTED
  PREPARING
  READY
  SERVED
  CANCELLED
}

enum Category {
  STARTERS
  MAINS
  DESSERTS
  DRINKS
}

enum StaffRole {
  WAITER
  KITCHEN
  ADMIN
}

enum MessageAuthor {
  GUEST
  WAITER
  KITCHEN
}

type Ingredient {
  name: String!
  "Portions served unless the guest adjusts them."
  portions: Int!
  min: Int!
  max: Int!
}

type MenuItem {
  id: ID!
  name: String!
  description: String!
  category: Category!
  priceCents: Int!
  available: Boolean!
  ingredients: [Ingredient!]!
  version: Int!
  updatedAt: String!
}

"GraphQL has no maps: the REST body's { salt: 0 } is [{ ingredient: \\"salt\\", portions: 0 }] here."
type Adjustment {
  ingredient: String!
  portions: Int!
}

type OrderItem {
  menuItemId: ID!
  "The menu item as it is now; null once it left the menu."
  menuItem: MenuItem
  name: String!
  quantity: Int!
  adjustments: [Adjustment!]!
  note: String!
  priceCents: Int!
}

type Order {
  id: ID!
  guestId: ID!
  table: Int!
  status: OrderStatus!
  items: [OrderItem!]!
  totalCents: Int!
  version: Int!
  createdAt: String!
  updatedAt: String!
  "The conversation on this order, oldest first."
  messages(limit: Int = 100): [Message!]!
}

type OrderPage {
  items: [Order!]!
  nextCursor: String
}

type Message {
  id: ID!
  orderId: ID!
  from: MessageAuthor!
  text: String!
  at: String!
}

type MessagePage {
  items: [Message!]!
  nextCursor: String
}

"A CloudEvent from the log; sequence is the cursor every pattern accepts."
type Event {
  id: ID!
  sequence: String!
  type: String!
  subject: String!
  time: String!
  data: JSON
}

type EventPage {
  items: [Event!]!
  nextCursor: String!
}

type Guest {
  id: ID!
  table: Int!
  name: String!
}

type GuestRegistration {
  guest: Guest!
  "Shown once: send it as Authorization: Bearer <token>."
  token: String!
}

type StaffKey {
  id: ID!
  role: StaffRole!
  name: String!
  token: String!
}

type Query {
  menu(category: Category): [MenuItem!]
  menuItem(id: ID!): MenuItem
  orders(status: OrderStatus, limit: Int, cursor: String): OrderPage
  order(id: ID!): Order
  messages(orderId: ID!, limit: Int, cursor: String): MessagePage
  events(after: String, types: [String!], limit: Int): EventPage
}

input IngredientInput {
  name: String!
  portions: Int!
  min: Int!
  max: Int!
}

input MenuItemInput {
  id: ID!
  name: String!
  description: String
  category: Category!
  priceCents: Int!
  available: Boolean
  ingredients: [IngredientInput!]
}

input AdjustmentInput {
  ingredient: String!
  portions: Int!
}

input OrderItemInput {
  menuItemId: ID!
  quantity: Int = 1
  adjustments: [AdjustmentInput!]
  note: String
}

input PlaceOrderInput {
  items: [OrderItemInput!]!
  "Send the same key again to get the same order, never a second one."
  idempotencyKey: String
}

type Mutation {
  createMenuItem(input: MenuItemInput!): MenuItem
  updateMenuItem(input: MenuItemInput!, expectedVersion: Int): MenuItem
  "True once the item is gone."
  deleteMenuItem(id: ID!, expectedVersion: Int): Boolean
  placeOrder(input: PlaceOrderInput!): Order
  updateOrder(id: ID!, items: [OrderItemInput!]!, expectedVersion: Int): Order
  cancelOrder(id: ID!, expectedVersion: Int): Order
  setOrderStatus(id: ID!, status: OrderStatus!, expectedVersion: Int): Order
  sendMessage(orderId: ID!, text: String!): Message
  registerGuest(table: Int!, name: String!): GuestRegistration
  createKey(role: StaffRole!, name: String!): StaffKey
}
`;
