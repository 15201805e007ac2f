/** The shell: the top bar and the page the address names. */
import { useEffect } from 'react';
import { TopBar } from './components/top-bar.tsx';
import { EventLogPage } from './pages/events/event-log-page.tsx';
import { GuestPage } from './pages/guest/guest-page.tsx';
import { WebhookInspector } from './pages/inspector/webhook-inspector.tsx';
import { KitchenBoard } from './pages/kitchen/kitchen-board.tsx';
import { LabPage } from './pages/lab/lab-page.tsx';
import { WaiterConsole } from './pages/waiter/waiter-console.tsx';
import { useRoute, type Page } from './route.ts';

const titles: Record<Page, string> = { guest: 'Your table', kitchen: 'Kitchen board', waiter: 'Waiter console', webhooks: 'Webhook inspector', events: 'Event log', lab: 'Pattern Lab' };

function PageFor({ page }: { page: Page }) {
  switch (page) {
    case 'guest':
      return <GuestPage />;
    case 'kitchen':
      return <KitchenBoard />;
    case 'waiter':
      return <WaiterConsole />;
    case 'webhooks':
      return <WebhookInspector />;
    case 'events':
      return <EventLogPage />;
    case 'lab':
      return <LabPage />;
  }
}

export function App() {
  const page = useRoute();
  useEffect(() => {
    document.title = `${titles[page]} · Bistro`;
  }, [page]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar page={page} />
      <main id="main" className={`page page-${page}`}>
        <PageFor page={page} />
      </main>
    </>
  );
}
