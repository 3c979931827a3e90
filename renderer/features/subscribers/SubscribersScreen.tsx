import { NotBuilt } from '../../components/NotBuilt';

// Not built yet: says so and what it will do, so nobody mistakes it for a working screen.
export function SubscribersScreen() {
  return <NotBuilt plansKey="screens.subscribers.plans" />;
}
