import type { VehicleType } from '@platewise/snapshot';
import { VehicleDetection } from '../detect/vehicle';

/**
 * Vehicle type from the COCO class of the vehicle detector. COCO has no Sedan/SUV/Van split, so
 * "car" is reported as Sedan and "truck" (mostly pickups and vans in street photos) as Pickup Truck;
 * the detector's car/truck call is unreliable on close front/rear views (models/README.md).
 */
export function vehicleType(cls: VehicleDetection['cls']): VehicleType {
  switch (cls) {
    case 'car':
      return 'Sedan';
    case 'truck':
      return 'Pickup Truck';
    case 'bus':
      return 'Bus';
    case 'motorcycle':
      return 'Motorcycle';
    default:
      return 'Unknown';
  }
}
