"""Activities (hoạt động): exhibitions, book talks, contests, reading days, trainings.

models -> services (each activity appends an `activity` event) -> forms, views, api.
"""
