import type { WebClient } from '@slack/web-api';
import type { GroupMembers } from '../domain/policy.js';
import type { Logger } from '../observability/logger.js';

/**
 * Members of Slack user groups (usergroups.users.list), cached briefly: someone removed from a group
 * loses its rights within `ttlMs`. A group that cannot be read counts as empty (deny by default).
 */
export class UserGroupDirectory {
  private readonly cache = new Map<string, { members: ReadonlySet<string>; until: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    private readonly ttlMs = 30_000,
  ) {}

  async members(groupIds: readonly string[]): Promise<GroupMembers> {
    const entries = await Promise.all(groupIds.map(async (id) => [id, await this.membersOf(id)] as const));
    return new Map(entries);
  }

  private async membersOf(groupId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(groupId);
    if (cached && cached.until > Date.now()) return cached.members;
    try {
      const res = await this.client.usergroups.users.list({ usergroup: groupId });
      const members = new Set(res.users ?? []);
      this.cache.set(groupId, { members, until: Date.now() + this.ttlMs });
      return members;
    } catch (error) {
      this.logger.warn({ err: error, groupId }, 'could not read a user group; treating it as empty');
      return new Set();
    }
  }
}
