"""Pure numpy mechanisms of the model: arrays in, arrays out; no Mesa, no model state."""
