"""What a learner and other graders' ecosystems read: the feedback comment, its details and
advice, safe Markdown, and the exported formats. Reads the model; runs nothing."""
