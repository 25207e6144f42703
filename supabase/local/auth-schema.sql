-- Sessions and refresh tokens of the local auth server, shaped like GoTrue's own tables
-- (auth.sessions, auth.refresh_tokens). Applied by the local server at every start, after the
-- migrations; each statement only creates what is missing. Refresh tokens are stored as
-- SHA-256 hashes: a copy of this table does not let anyone sign in.

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  aal text not null default 'aal1',
  user_agent text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  refreshed_at timestamptz
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);

create table if not exists auth.refresh_tokens (
  id bigserial primary key,
  token varchar(255) not null unique,
  user_id varchar(255) not null,
  revoked boolean not null default false,
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists refresh_tokens_session_id_idx on auth.refresh_tokens (session_id);

-- The API roles never read these tables; only the auth endpoints do, as the superuser.
revoke all on auth.sessions, auth.refresh_tokens from anon, authenticated;
