/** The bar above every page: the four roles, the live event log, the Pattern Lab, the API documents, and who is signed in. */
import { hrefOf, type Page } from '../route.ts';
import { useSession } from '../session.ts';

const tabs: { page: Page; label: string }[] = [
  { page: 'guest', label: 'Guest' },
  { page: 'kitchen', label: 'Kitchen' },
  { page: 'waiter', label: 'Waiter' },
  { page: 'webhooks', label: 'Webhooks' },
  { page: 'events', label: 'Event log' },
  { page: 'lab', label: 'Lab' },
];

const documents = [
  { href: '/docs', label: 'REST (OpenAPI)' },
  { href: '/graphql', label: 'GraphiQL' },
  { href: '/openrpc.json', label: 'OpenRPC' },
];

export function TopBar({ page }: { page: Page }) {
  const [staff, setStaff] = useSession('staff');
  return (
    <header className="top-bar">
      <a className="brand" href={hrefOf('guest')}>
        Bistro
      </a>
      <nav aria-label="Pages">
        <ul>
          {tabs.map((tab) => (
            <li key={tab.page}>
              <a href={hrefOf(tab.page)} aria-current={tab.page === page ? 'page' : undefined}>
                {tab.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <nav aria-label="API documents" className="documents">
        <ul>
          {documents.map((document) => (
            <li key={document.href}>
              <a href={document.href}>{document.label}</a>
            </li>
          ))}
        </ul>
      </nav>
      {staff && (
        <div className="signed-in">
          <span>
            {staff.name} <span className="role">({staff.role})</span>
          </span>
          <button type="button" className="quiet" onClick={() => setStaff(undefined)}>
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}
