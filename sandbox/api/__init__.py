"""The sandbox's GitHub API: the app, REST routes, GraphQL, JSON shapes and read-only HTML
pages, with what requests and pushes set off (events, activity, secrets, rate-limit realism)."""
