"""Projects (项目公布): service projects, their activities (one-off or recurring), shifts and sign-ups."""
