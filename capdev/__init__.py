"""capdev: the institutional capacity-development cycle, from diagnosis to learning."""
