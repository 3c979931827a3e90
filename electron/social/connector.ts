/** What the outbox and the reach poller need from a social API: Facebook Graph and X v2 implement it. */
import type { SocialKind } from '../../shared/social/schema';

export interface RemoteComment {
  id: string;
  author: string;
  text: string;
  createdAt: string;
}

export type Figures = Record<string, number>;

export interface SocialConnector {
  readonly kind: SocialKind;
  /** The account the token belongs to (a Page's name, an X username): `tryk social test`. */
  whoami(): Promise<string>;
  /** Publishes a post, or (inReplyTo) a comment on / reply to one of ours; returns its id. */
  publish(text: string, inReplyTo: string | null, image?: Uint8Array | null): Promise<string>;
  /** Our own post with exactly this text made since `since`, if one landed (after a crash or an unclear answer). */
  findOwn(text: string, inReplyTo: string | null, since: Date): Promise<string | null>;
  /** The post's current figures; throws SocialError('not_found') when it was deleted. */
  figures(id: string): Promise<Figures>;
  /** Comments on / replies to the post by others. */
  comments(id: string): Promise<RemoteComment[]>;
  /** Metrics the API said it no longer knows (asked for no more; logged once by the caller). */
  readonly droppedMetrics: ReadonlySet<string>;
}

/** The text as both APIs may hand it back: line ends and surrounding space normalised. */
export function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n?/g, '\n').replace(/https?:\/\/\S+/g, 'URL').trim();
  return norm(a) === norm(b);
}
