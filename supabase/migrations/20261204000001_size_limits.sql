-- Size limits on every field a user can fill, so one member cannot store (and then make the
-- API serve) values of any size. They are checked here, in Postgres, so a hosted Supabase
-- project enforces them exactly as the local server does.
--
-- Text is measured in bytes (octet_length), JSON in bytes of its text form. The limits are
-- generous for real use (supabase/local/README.md, "Limits"): a workflow row stays under
-- about 7 MiB and a knowledge-base document under about 6.5 MiB, so a sync_push of one row
-- with its assumed master state (two copies) fits in the API's 16 MiB request body. Constraints are added NOT
-- VALID: rows written before this migration are not rejected retroactively, but any insert
-- or update is checked.
--
-- Limits: 64 KiB descriptions and errors; workflows nodes 2 MiB, edges 1 MiB, versions
-- 3 MiB, conflicts 512 KiB, settings 128 KiB, viewport 4 KiB; kb_documents content 6 MiB,
-- metadata 256 KiB; connectors config 1 MiB, input_schema and field_mappings 512 KiB each,
-- icon 64 KiB; secrets ciphertext 256 KiB; executions input, output and node_results 2 MiB
-- each; tags at most 100, 16 KiB together; tenants settings 64 KiB; profiles avatar_url
-- 64 KiB; short labels (model, provider, category, mime type) 255 bytes.

-- ---------------------------------------------------------------------------------------
-- Synced tables
-- ---------------------------------------------------------------------------------------

alter table public.workflows
  add constraint workflows_description_size check (octet_length(description) <= 65536) not valid,
  add constraint workflows_nodes_size check (octet_length(nodes::text) <= 2097152) not valid,
  add constraint workflows_edges_size check (octet_length(edges::text) <= 1048576) not valid,
  add constraint workflows_viewport_size
    check (viewport is null or octet_length(viewport::text) <= 4096) not valid,
  add constraint workflows_settings_size check (octet_length(settings::text) <= 131072) not valid,
  add constraint workflows_versions_size check (octet_length(versions::text) <= 3145728) not valid,
  add constraint workflows_conflicts_size
    check (octet_length(conflicts::text) <= 524288) not valid,
  add constraint workflows_tags_size
    check (cardinality(tags) <= 100 and octet_length(array_to_string(tags, ',')) <= 16384) not valid;

alter table public.knowledge_bases
  add constraint knowledge_bases_description_size
    check (octet_length(description) <= 65536) not valid,
  add constraint knowledge_bases_embedding_model_size
    check (embedding_model is null or octet_length(embedding_model) <= 255) not valid,
  add constraint knowledge_bases_settings_size
    check (octet_length(settings::text) <= 131072) not valid;

alter table public.kb_documents
  add constraint kb_documents_mime_type_size check (octet_length(mime_type) <= 255) not valid,
  add constraint kb_documents_content_size check (octet_length(content) <= 6291456) not valid,
  add constraint kb_documents_metadata_size
    check (octet_length(metadata::text) <= 262144) not valid;

alter table public.connectors
  add constraint connectors_description_size check (octet_length(description) <= 65536) not valid,
  add constraint connectors_icon_size check (icon is null or octet_length(icon) <= 65536) not valid,
  add constraint connectors_category_size
    check (category is null or octet_length(category) <= 255) not valid,
  add constraint connectors_config_size check (octet_length(config::text) <= 1048576) not valid,
  add constraint connectors_input_schema_size
    check (octet_length(input_schema::text) <= 524288) not valid,
  add constraint connectors_field_mappings_size
    check (octet_length(field_mappings::text) <= 524288) not valid;

alter table public.secrets
  add constraint secrets_provider_size
    check (provider is null or octet_length(provider) <= 255) not valid,
  add constraint secrets_secret_type_size check (octet_length(secret_type) <= 255) not valid,
  add constraint secrets_ciphertext_size check (octet_length(ciphertext) <= 262144) not valid,
  add constraint secrets_description_size check (octet_length(description) <= 65536) not valid,
  add constraint secrets_tags_size
    check (cardinality(tags) <= 100 and octet_length(array_to_string(tags, ',')) <= 16384) not valid;

alter table public.executions
  add constraint executions_input_size
    check (input is null or octet_length(input::text) <= 2097152) not valid,
  add constraint executions_output_size
    check (output is null or octet_length(output::text) <= 2097152) not valid,
  add constraint executions_node_results_size
    check (octet_length(node_results::text) <= 2097152) not valid,
  add constraint executions_error_size
    check (error is null or octet_length(error) <= 65536) not valid;

-- ---------------------------------------------------------------------------------------
-- Tenancy and vault tables
-- ---------------------------------------------------------------------------------------

alter table public.tenants
  add constraint tenants_settings_size check (octet_length(settings::text) <= 65536) not valid;

alter table public.tenant_invitations
  add constraint tenant_invitations_email_size check (octet_length(email) <= 320) not valid;

alter table public.profiles
  add constraint profiles_email_size check (email is null or octet_length(email) <= 1024) not valid,
  add constraint profiles_avatar_url_size
    check (avatar_url is null or octet_length(avatar_url) <= 65536) not valid;

alter table public.tenant_vault_keys
  add constraint tenant_vault_keys_recipient_public_key_size
    check (octet_length(recipient_public_key) <= 1024) not valid;

alter table public.secret_audit_log
  add constraint secret_audit_log_secret_name_size
    check (secret_name is null or octet_length(secret_name) <= 1024) not valid;
