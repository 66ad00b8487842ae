"""OpenDental's own codes that generators and validators both name (enum values of its schema documentation)."""

from __future__ import annotations

# schedule.SchedType
SCHED_PROVIDER, SCHED_BLOCKOUT = 1, 2
# definition ids of the blockout types the practice uses (category 25), with their notes
HUDDLE_BLOCKOUT = 257  # "Staff Meeting"
HOLIDAY_BLOCKOUT = 638  # "Holiday": the office is closed all day
TRAINING_BLOCKOUT = 617  # "Training"

# Procedures a dental lab makes (a labcase row goes with them): crowns, bridges, dentures, implant restorations.
LAB_PROCEDURES = ("D2740", "D2750", "D2790", "D6240", "D6750", "D5110", "D5120", "D5213", "D5214", "D6058", "D6065",
                  "D6114", "D6115")
