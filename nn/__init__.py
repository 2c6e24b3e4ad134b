"""chainrule's nn: neurons, layers, MLPs, losses and optimizers built from autograd Values."""
