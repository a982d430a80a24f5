/** Hot-path machinery of the flow module: the SPSC record ring, its record layout and the primitive key index. */
package io.chargeflow.flow.internal;
