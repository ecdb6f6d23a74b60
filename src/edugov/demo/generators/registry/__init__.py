"""The registry's demo data: the area tree, schools of every type, three school years of classes
(the current one, holding the build date, and the two before it) with enrolment by sex, teachers
and teaching assignments.

The problems districts report are built in on purpose: crowded urban schools with oversized
classes (56-65) and some very oversized ones (66+) that grow every year, shrinking rural schools
with tiny classes and teaching points under 50 pupils, ageing rural teachers, and too few music,
art and PE teachers in rural schools.

Scale 1 is one district; a fraction shrinks its number of towns (for tests); above 1 the build
adds whole districts, eight to a city, under one province (scale 50 is about a province).

One module per sub-domain (areas, schools, classes, teachers), each a step class the builder
stacks; importing this package registers the generator (builder.py).
"""

from .builder import RegistryBuilder, build_registry, reset_registry
from .plan import PROFILES, PlannedSchool, Profile, RegistryDemo, Site

__all__ = [
    "PROFILES",
    "PlannedSchool",
    "Profile",
    "RegistryBuilder",
    "RegistryDemo",
    "Site",
    "build_registry",
    "reset_registry",
]
