/** What the shell (App) gives every page; its own module, so pages need not import the shell. */
export interface PageProps {
  signOutEverywhere: () => Promise<void>;
}
