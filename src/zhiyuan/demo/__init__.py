"""A synthetic district at the seed report's scale, for demos, manual testing and benchmarks.

`zhiyuan demo` runs the steps listed in `zhiyuan.demo.build.STEPS`; later areas (teams,
stations, projects, hours) add their own step to that list.
"""
